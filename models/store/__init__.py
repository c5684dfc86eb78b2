"""The data file: locked atomic storage, JSON I/O, integrity, archives, the change log, paths."""
