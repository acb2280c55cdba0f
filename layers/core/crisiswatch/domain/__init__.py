"""Pure domain logic in four rooms (listening → detection → response → review) over a shared kernel
(`clock`, `errors`); no boto3, no network, no environment variables. Each room imports only rooms before
it and the kernel (`tests/unit/test_architecture.py` holds the rule)."""
