# Gust's Python runtime interface client, started as `python3 -S bootstrap.py` in the function's
# code directory. This entry stays tiny because a script's bytecode is never cached: the client
# itself is gust_runtime_client.py, which the import system compiles once when it can cache it.
import sys

import gust_runtime_client

# This folder must not shadow the function's modules: it moves behind everything else, where
# only the client's own gust_runtime_* modules, imported when needed, are looked up.
if sys.path and sys.path[0] == __file__.rpartition("/")[0]:
    sys.path.append(sys.path.pop(0))

gust_runtime_client.main()
