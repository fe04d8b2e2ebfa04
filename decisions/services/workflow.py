"""Workflow services: firing case transitions with permission, preconditions and log."""
