"""`interp`: every MicroPython test runs once per interpreter, the PyPI unix port and, where it
is built, the ESP32 model (tests/upy.py). The report header says which, and why not the model."""
import pytest

import upy


def pytest_report_header(config):
    return upy.model_status()


@pytest.fixture(scope="session", params=upy.interpreters(), ids=repr)
def interp(request):
    return request.param
