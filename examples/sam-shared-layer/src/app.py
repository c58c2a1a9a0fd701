from greeting import greet

def handler(event, context):
    return {"message": greet(event.get("name", "python"))}
