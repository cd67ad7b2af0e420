"""The knowledge base (知识库): entries, review workflow, search."""
