"""The client's room: one point of contact facing the client (issue #20).

A client writes in the room shared with them (``intake``); the bot opens the request
internally and tells the client when they will hear back (``response``). From then on the
client sees only what the team sends on purpose (``voice``: the acknowledgement, public
replies, status updates, the synthesis letter, the satisfaction question); everything
else stays with the team, and ``commands.routing`` refuses it in their room whoever
produced it.
"""
