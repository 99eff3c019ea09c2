# the directory file and its import, for the command line: imported when used
LOADED_WHEN_USED = ("changes", "clients", "file", "importing", "problems")
