// Summarises Cobertura coverage reports: line coverage per assembly and for the services together.
using System.Xml.Linq;

var root = args.Length > 0 ? args[0] : "TestResults";
var floor = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var reports = Directory.Exists(root)
    ? Directory.GetFiles(root, "*.cobertura.xml", SearchOption.AllDirectories)
    : [];
if (reports.Length == 0)
{
    Console.Error.WriteLine($"No *.cobertura.xml under {root}");
    return 1;
}

// A line counts as covered if any report (any process) hit it.
var lines = new Dictionary<(string Assembly, string File, int Line), bool>();
foreach (var report in reports)
{
    foreach (var package in XDocument.Load(report).Descendants("package"))
    {
        var assembly = (string)package.Attribute("name")!;
        foreach (var @class in package.Descendants("class"))
        {
            var file = (string)@class.Attribute("filename")!;
            foreach (var line in @class.Element("lines")?.Elements("line") ?? [])
            {
                var key = (assembly, file, (int)line.Attribute("number")!);
                lines[key] = (lines.TryGetValue(key, out var hit) && hit) || (int)line.Attribute("hits")! > 0;
            }
        }
    }
}

string[] services = ["Gozon.Orders", "Gozon.Payments", "Gozon.Gateway", "Gozon.Web", "Gozon.Messaging", "Gozon.ServiceDefaults"];
Console.WriteLine("Line coverage:");
foreach (var group in lines.GroupBy(l => l.Key.Assembly).OrderBy(g => g.Key))
{
    Console.WriteLine($"  {group.Key,-24} {Percent(group):0.0}% ({group.Count(l => l.Value)}/{group.Count()} lines)");
}

var serviceLines = lines.Where(l => services.Contains(l.Key.Assembly)).ToList();
var total = Percent(serviceLines);
Console.WriteLine($"Services line coverage: {total:0.0}% ({serviceLines.Count(l => l.Value)}/{serviceLines.Count} lines)");
if (total < floor)
{
    Console.Error.WriteLine($"Services line coverage {total:0.0}% is below the floor of {floor}%");
    return 1;
}

return 0;

static double Percent(IEnumerable<KeyValuePair<(string, string, int), bool>> lines)
{
    var all = lines.ToList();
    return all.Count == 0 ? 0 : 100.0 * all.Count(l => l.Value) / all.Count;
}
