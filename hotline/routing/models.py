"""Smart dispatch (分得更准): category model, dispatch catalogue, location, duplicates and risk."""
