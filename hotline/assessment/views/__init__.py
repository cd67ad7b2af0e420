"""The assessment's pages, by what they do: ``scores`` (reading) and ``manage`` (changing)."""
