"""The made-up demo city loaded by `hotline demo`."""
