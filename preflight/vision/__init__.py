"""Model adapters: the only place that imports MediaPipe or OpenCV's analysis APIs. No Qt.

Each adapter turns a library's result into our own values (`Detections`, `PersonMask`,
`GlobalMotion`), so nothing after the adapter sees a library type.
"""
