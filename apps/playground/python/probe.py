# What this Python offers since the article: its version, whether the GIL is disabled (the
# free-threaded build, PEP 703/779), and whether InterpreterPoolExecutor exists (PEP 734).
import concurrent.futures
import json
import sys
import sysconfig

gil_disabled = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
gil_enabled_now = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
print("RESULT " + json.dumps({
    "version": sys.version.split()[0],
    "freeThreadedBuild": gil_disabled,
    "gilEnabled": gil_enabled_now,
    "interpreterPool": hasattr(concurrent.futures, "InterpreterPoolExecutor"),
}))
