"""`nassb serve`: the workbench in a browser (FastAPI, server-rendered Jinja2 pages, plotly figures).

The web layer calls the library and holds no analysis of its own. `nassb.web.app.create_app` builds the application
on a workspace folder (`nassb.web.workspace`: uploads under generated names, background jobs with their progress and
results, all kept on disk so that they survive a page reload or a server restart). Each page is a router of its own
module (`kb`, `designer`, `measurements`, `materials`) registered in `PAGES`.
"""
