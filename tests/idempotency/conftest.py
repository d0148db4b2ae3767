from tests.api.conftest import token_client  # noqa: F401 (the API doors' client)
