"""Named queries, the engines that run them, and result formats."""
