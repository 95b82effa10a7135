"""What is on this computer's desktop: windows, browser tabs, wallpaper, the screen. No Qt.

Each module reads one thing on one platform and returns plain values from `base.py`; the checks in
`preflight/checks/` judge them. Nothing here writes a title, URL or pixel anywhere.
"""
