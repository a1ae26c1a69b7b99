import os

# Under pytest-xdist (`make test` runs two workers on two cores) each worker, and every process
# a test starts, uses one thread: two workers each running torch, BLAS and OpenMP on two threads
# oversubscribe the cores, and small tensor operations then run many times slower. Set before
# numpy (through matplotlib) or torch load their thread pools.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
