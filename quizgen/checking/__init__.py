"""Checking a bank the way ``quizgen check`` does: every question over many seeds, through every
stage (variant, independent check, rendering, key, grading of its own answers) - :mod:`.runner`.
"""
