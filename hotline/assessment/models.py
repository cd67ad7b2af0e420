"""Assessment (考核): schemes, indicators, scores and rankings of units."""
