"""The build: the outputs' builders, the book's task graph on Dask and the tasks its workers run,
the build context, staging and the swap into ``dist/``. It sits above the readers and writers
and below the command line (import-linter contracts in ``.importlinter``)."""
