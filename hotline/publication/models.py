"""Publication (分类选登) of selected, anonymised answered orders."""
