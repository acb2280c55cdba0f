"""CrisisWatch core: the domain, its ports and the AWS adapters shared by every Lambda function."""
