"""Pure domain logic: no boto3, no environment variables, no network."""
