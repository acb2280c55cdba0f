"""The file schemas (config_files/) and the domain's dataclasses name the same fields, so a field added to
one and forgotten in the other fails here, not as a silently dropped setting."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields

import pytest
from pydantic import BaseModel

from crisiswatch.config_files import policy as policy_file
from crisiswatch.config_files import watchlist as watchlist_file
from crisiswatch.domain.listening import watchlist
from crisiswatch.domain.response import policy

PAIRS: list[tuple[type[BaseModel], type]] = [
    *watchlist_file.SPECS.items(),
    (watchlist_file.Brand, watchlist.Brand),
    (watchlist_file.Watchlist, watchlist.Watchlist),
    (policy_file.Contact, policy.Contact),
    (policy_file.Tier, policy.Tier),
    (policy_file.MaintenanceWindow, policy.MaintenanceWindow),
    (policy_file.EscalationPolicy, policy.EscalationPolicy),
]


@pytest.mark.parametrize(("schema", "model"), PAIRS, ids=lambda pair: getattr(pair, "__qualname__", ""))
def test_each_schema_has_the_fields_of_its_domain_model(schema: type[BaseModel], model: type) -> None:
    assert set(schema.model_fields) == {field.name for field in fields(model)}
    assert schema.__name__ == model.__name__  # pydantic names the class in some messages


def test_the_loaded_watchlist_is_plain_and_frozen() -> None:
    loaded = watchlist_file.parse_watchlist(
        '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'
        '[[brands.sources]]\nid = "news"\ntype = "rss"\nfeeds = ["https://example.com"]\n'
    )
    (brand,) = loaded.brands
    (source,) = brand.sources
    assert isinstance(source, watchlist.RssSpec)
    assert brand.keywords == ("acme",)
    assert source.feeds == ("https://example.com/",)  # pydantic's normal form, which keys the RSS cursor
    with pytest.raises(FrozenInstanceError):
        brand.name = "Other"  # type: ignore[misc]
