# the requests' export, for the command line: imported when used
LOADED_WHEN_USED = ("export",)
