"""Fixtures shared by several test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.llama_server import LlamaServer, missing


@pytest.fixture(scope="session")
def llama() -> Iterator[LlamaServer]:
    """One llama.cpp server (xllamacpp, SmolLM2-135M) for the whole test run, started by the first test that
    asks for it and stopped at the end of the session."""
    why = missing()
    if why is not None:
        pytest.skip(why)
    with LlamaServer() as server:
        yield server
