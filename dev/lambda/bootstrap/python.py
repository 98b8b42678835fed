# Lambda Runtime API loop for Python, run by wsdesign dev.
import importlib, json, os, sys, time, traceback, urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"


def post(url, body, err_type=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    if err_type:
        req.add_header("Lambda-Runtime-Function-Error-Type", err_type)
    urllib.request.urlopen(req).read()


def error_body(e, err_type=None):
    return {"errorType": err_type or type(e).__name__, "errorMessage": str(e),
            "stackTrace": traceback.format_tb(e.__traceback__)}


class Context:
    def __init__(self, request_id, arn, deadline):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = "/aws/lambda/" + (self.function_name or "")
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return int(self._deadline - time.time() * 1000)


def load():
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    mod_name, _, fn = os.environ["_HANDLER"].rpartition(".")
    try:
        mod = importlib.import_module(mod_name.replace("/", "."))
    except ImportError as e:
        raise_init(e, "Runtime.ImportModuleError")
    except Exception as e:
        raise_init(e, "Runtime.UserCodeSyntaxError" if isinstance(e, SyntaxError) else None)
    h = getattr(mod, fn, None)
    if not callable(h):
        raise_init(Exception("Handler '%s' missing on module '%s'" % (fn, mod_name)), "Runtime.HandlerNotFound")
    return h


def raise_init(e, err_type):
    body = error_body(e, err_type)
    print("[ERROR] %s: %s" % (body["errorType"], body["errorMessage"]), file=sys.stderr, flush=True)
    post(API + "/init/error", body, body["errorType"])
    sys.exit(1)


def main():
    handler = load()
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as res:
            rid = res.headers["Lambda-Runtime-Aws-Request-Id"]
            ctx = Context(rid, res.headers["Lambda-Runtime-Invoked-Function-Arn"],
                          int(res.headers["Lambda-Runtime-Deadline-Ms"]))
            event = json.loads(res.read() or b"null")
        try:
            result = handler(event, ctx)
            body = json.dumps(result)
        except Exception as e:
            traceback.print_exc()
            sys.stderr.flush()
            post(API + "/invocation/" + rid + "/error", error_body(e), "Unhandled")
            continue
        finally:
            sys.stdout.flush()
        req = urllib.request.Request(API + "/invocation/" + rid + "/response", data=body.encode(), method="POST")
        urllib.request.urlopen(req).read()


main()
