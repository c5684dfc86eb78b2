"""The browser door: `jiaoyan serve` (README, "In the browser").

textual-serve runs a Textual app per browser websocket but has no sign-in at all. This
package puts one in front of it, in the same aiohttp server:

* ``server.py``: the routes (the sign-in page, the change-password page, the app page,
  the websocket, downloads), the sessions (an HttpOnly, SameSite=Strict cookie holding a
  random token; idle timeout; sign-out), the security headers, and the app process of
  each websocket — started by the server itself, with the signed-in login on its command
  line, chosen from the session and never from the request.
* ``pages.py``: the HTML (no inline script, so the Content-Security-Policy can forbid it).
* ``child.py``: the app process: checks it was started by the server's account
  (models/passwords.py ``check_served_identity``) and runs the one App over the session.
* ``static/``: the page's own script (the terminal's size, the websocket's address,
  downloads that arrive as files) and style.
"""
