"""Alerts: what an alert says (``render``), when to retry (``outbox``) and one module per
channel that sends a rendered alert (``console``, ``slack``, ``email``, ``webhook``)."""
