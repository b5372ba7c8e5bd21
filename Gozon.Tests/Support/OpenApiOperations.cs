using System.Text.Json;

namespace Gozon.Tests.Support;

public enum ParameterLocation
{
    Path,
    Query,
    Header,
}

/// <summary>A declared parameter; <see cref="Type"/> is the JSON Schema type ("string", "integer", ...).</summary>
public sealed record ApiParameter(string Name, ParameterLocation In, string Type, string? Format);

/// <summary>A property of a JSON request body.</summary>
public sealed record ApiField(string Name, string Type);

/// <summary>One path and method of a service's OpenAPI document.</summary>
public sealed record ApiOperation(
    string Method, string Path, string OperationId, IReadOnlyList<ApiParameter> Parameters, IReadOnlyList<ApiField>? Body)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// Reads the operations of an OpenAPI 3.x document with System.Text.Json: the fuzzer needs only paths, methods,
/// parameters and the top-level properties of JSON bodies, and the raw JSON keeps 3.1's type arrays as they are.
/// </summary>
public static class OpenApiOperations
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    public static async Task<IReadOnlyList<ApiOperation>> ReadAsync(HttpClient http, string documentPath, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(documentPath, cancellationToken));
        var root = document.RootElement;
        var operations = new List<ApiOperation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                var operation = method.Value;
                var parameters = (operation.TryGetProperty("parameters", out var declared) ? declared.EnumerateArray() : Enumerable.Empty<JsonElement>())
                    .Select(p => Parameter(root, p))
                    .ToList();
                operations.Add(new ApiOperation(
                    method.Name.ToUpperInvariant(),
                    path.Name,
                    operation.TryGetProperty("operationId", out var id) ? id.GetString()! : $"{method.Name} {path.Name}",
                    parameters,
                    JsonBody(root, operation)));
            }
        }

        return operations;
    }

    private static ApiParameter Parameter(JsonElement root, JsonElement parameter)
    {
        parameter = Resolve(root, parameter);
        var schema = parameter.TryGetProperty("schema", out var s) ? Resolve(root, s) : default;
        var location = parameter.GetProperty("in").GetString() switch
        {
            "path" => ParameterLocation.Path,
            "header" => ParameterLocation.Header,
            _ => ParameterLocation.Query,
        };
        return new ApiParameter(parameter.GetProperty("name").GetString()!, location, TypeOf(root, schema),
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) ? format.GetString() : null);
    }

    private static List<ApiField>? JsonBody(JsonElement root, JsonElement operation)
    {
        if (!operation.TryGetProperty("requestBody", out var body)
            || !Resolve(root, body).GetProperty("content").TryGetProperty("application/json", out var json)
            || !json.TryGetProperty("schema", out var schema))
        {
            return null;
        }

        schema = Resolve(root, schema);
        return schema.TryGetProperty("properties", out var properties)
            ? [.. properties.EnumerateObject().Select(p => new ApiField(p.Name, TypeOf(root, p.Value)))]
            : [];
    }

    /// <summary>The first non-null type: 3.1 writes nullable as a type array, or as oneOf/anyOf with a null schema.</summary>
    private static string TypeOf(JsonElement root, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "string";
        }

        schema = Resolve(root, schema);
        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Select(t => t.GetString()!).FirstOrDefault(t => t != "null") ?? "null"
                : type.GetString()!;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                return options.EnumerateArray().Select(o => TypeOf(root, o)).FirstOrDefault(t => t != "null") ?? "null";
            }
        }

        return schema.TryGetProperty("properties", out _) ? "object" : "string";
    }

    private static JsonElement Resolve(JsonElement root, JsonElement element)
    {
        while (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference))
        {
            element = reference.GetString()!.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate(root, (node, segment) => node.GetProperty(segment.Replace("~1", "/").Replace("~0", "~")));
        }

        return element;
    }
}
