"""Reference: a minimal Typer + SQLModel command reading one row, no code of ours."""

from datetime import date
from typing import Annotated

import typer
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

app = typer.Typer()


class Landlord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str
    name: str
    stage_since: date


@app.command()
def show(db: Annotated[str, typer.Argument()]) -> None:
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        row = session.exec(select(Landlord).order_by(col(Landlord.id)).limit(1)).one()
        print(row.slug, row.name)


@app.command()
def other() -> None:
    pass


if __name__ == "__main__":
    app()
