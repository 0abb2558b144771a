"""Public statistics on published measures and Parties."""
