"""The public display (公示): the service guide, the helper board and the printed signs of the help desk."""
