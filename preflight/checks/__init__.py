"""Checks: pure functions from observations (and options) to a `CheckResult`. No Qt, no capture.

One module per check, named for what it asserts. A check never captures, draws, logs to the UI
or reads global configuration: it is given what it needs.
"""
