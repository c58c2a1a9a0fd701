def greet(who):
    return f"hello {who}, from the shared layer"
