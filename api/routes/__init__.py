"""The HTTP routes, one APIRouter per area; api/app.py includes them, each with the access it needs."""
