"""Resource handlers of the reference server, one module per resource family."""
