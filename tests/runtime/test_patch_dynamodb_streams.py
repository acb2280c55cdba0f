"""Self-test of patch (e): a stream write only records (no synchronous Lambda call, no clearing),
so GetRecords keeps working and the poller is woken."""

from __future__ import annotations

import inspect
import uuid

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import StreamShard
from moto.dynamodbstreams.models import dynamodbstreams_backends

from crisiswatch_ops.runtime.patches import _patching
from crisiswatch_ops.runtime.patches.dynamodb_streams import ACTIVITY

from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"


class _ExplodingMapping:
    """Stands in for an event source mapping: moto's original add() would use it; the patch must not."""

    def __getattr__(self, name: str):
        raise AssertionError(f"the stream write touched an event source mapping ({name})")


def _table():
    backend = dynamodb_backends[ISOLATED_ACCOUNT][REGION]
    return backend.create_table(
        f"streamed-{uuid.uuid4().hex[:8]}",
        schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        throughput=None,
        attr=[{"AttributeName": "pk", "AttributeType": "S"}],
        global_indexes=None,
        indexes=None,
        streams={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        billing_mode="PAY_PER_REQUEST",
        sse_specification=None,
        tags=None,
        deletion_protection_enabled=False,
        warm_throughput=None,
    )


def test_moto_hook_keeps_its_shape_and_its_flaw():
    original = _patching.original(StreamShard, "add")
    assert list(inspect.signature(original).parameters) == ["self", "old", "new"]
    source = inspect.getsource(original)
    # The reasons for the patch; if moto stops doing these, re-check whether the patch is still needed.
    assert "send_dynamodb_items" in source and "self.items = []" in source


def test_writes_are_recorded_in_order_without_invoking_and_readable_with_get_records():
    table = _table()
    table.lambda_event_source_mappings["arn:aws:lambda:us-east-1:000000000042:function:x"] = (
        _ExplodingMapping()
    )
    backend = dynamodb_backends[ISOLATED_ACCOUNT][REGION]
    before = ACTIVITY.generation
    for index in range(3):
        backend.put_item(table.name, {"pk": {"S": f"k{index}"}, "v": {"N": str(index)}})
    backend.put_item(table.name, {"pk": {"S": "k0"}, "v": {"N": "10"}})
    assert ACTIVITY.generation - before == 4
    assert ACTIVITY.generation_of(table.table_arn) == 4  # pollers of other tables are not woken
    shard = table.stream_shard
    assert [record.record["eventName"] for record in shard.items] == ["INSERT", "INSERT", "INSERT", "MODIFY"]

    streams = dynamodbstreams_backends[ISOLATED_ACCOUNT][REGION]
    stream_arn = table.describe(base_key="Table")["Table"]["LatestStreamArn"]
    iterator = streams.get_shard_iterator(stream_arn, shard.id, "TRIM_HORIZON")
    first = streams.get_records(iterator.arn, 2)
    numbers = [int(record["dynamodb"]["SequenceNumber"]) for record in first["Records"]]
    assert numbers == [shard.starting_sequence_number, shard.starting_sequence_number + 1]
    rest = streams.get_records(first["NextShardIterator"], 10)
    assert [record["eventName"] for record in rest["Records"]] == ["INSERT", "MODIFY"]
    assert rest["Records"][1]["dynamodb"]["OldImage"]["v"] == {"N": "0"}
