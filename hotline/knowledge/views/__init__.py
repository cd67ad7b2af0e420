"""The knowledge base's pages: staff pages, the agent console's panel, and the citizen portal's FAQ."""
