"""The weekly digest: goals against targets, the log's numbers and the top three issues."""
