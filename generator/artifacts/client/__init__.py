"""The typed Python client package: views of the IR (`views`) and Python type spelling (`pytypes`)."""
