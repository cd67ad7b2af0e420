"""The public citizen portal: submit, track, rate, read the FAQ."""
