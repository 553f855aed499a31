"""The rules' checks: ``wxk<digits>_<name>.py`` holds the rule of that code and name.

Their metadata is declared by their pages (``rules/WXKnnn.md``) and read into the rule table,
:mod:`wxkf_lint.registry`, which loads a module from here only when a file is about to be checked;
nothing is imported on import of this package.
"""
