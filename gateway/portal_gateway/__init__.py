"""The gateway: one route table, rendered as nginx configuration and as the embedded WSGI dispatcher."""
