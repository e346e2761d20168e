"""Evaluation on curated Q&A: the code path of `kb ask`, configurations side by side."""
