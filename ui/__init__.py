"""The PySide6 shell: kiosk wizard, camera view, review window. The only package importing Qt."""
