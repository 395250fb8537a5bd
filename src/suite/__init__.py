"""leakcheck unittest / pytest: the adapter package (src/suite/suite.c)."""
