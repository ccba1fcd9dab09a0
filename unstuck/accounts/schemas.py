from ninja import Schema


class AgentRef(Schema):
    id: int
    name: str


class AgentOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    teams: list[str]
    is_available: bool
