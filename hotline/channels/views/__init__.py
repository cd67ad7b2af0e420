"""Channel endpoints: the callbacks of outside systems (``callbacks``), staff pages (``pages``) and the
htmx panels other pages load (``panels``)."""
