"""Articles arrive with the education issue."""
