"""Uploaded files: checked on the way in, encrypted at rest with a key per office, streamed back
only to those who may see them.
"""
