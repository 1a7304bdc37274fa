using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Xunit;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The SPI adapter's figure (NanoMeterTests) is measured over stand-ins for SpiDevice and GpioPin
    /// (tools/EmbeddedTcp.NanoMeter/SpiStandIn), because the kit's host cannot open an SpiDevice.
    /// These tests hold the stand-ins to the real libraries of the kit (System.Device.Spi 1.3.82,
    /// System.Device.Gpio 1.1.57): the same IL, instruction for instruction, in every method the
    /// adapter's path runs; and the adapter itself compiles against the real libraries.
    /// </summary>
    public class SpiStandInTests
    {
        private static readonly (string Type, string Method)[] Compared =
        {
            ("SpiDevice", "ReadByte()"),
            ("SpiDevice", "Read(SpanByte)"),
            ("SpiDevice", "Read(UInt16[])"),
            ("SpiDevice", "WriteByte(Byte)"),
            ("SpiDevice", "Write(SpanByte)"),
            ("SpiDevice", "Write(UInt16[])"),
            ("SpiDevice", "TransferFullDuplex(SpanByte,SpanByte)"),
            ("SpiDevice", "TransferFullDuplex(UInt16[],UInt16[])"),
            ("GpioPin", "Write(PinValue)"),
            ("PinValue", "get_High()"),
            ("PinValue", "get_Low()"),
        };

        [SkippableFact]
        public void StandInsRunTheLibrariesIl()
        {
            string kit = NanoKit.Require();
            string meterPe = NanoKit.BuiltPe("tools/EmbeddedTcp.NanoMeter", "EmbeddedTcp.NanoMeter.pe");
            string standIn = Path.ChangeExtension(meterPe, ".dll");
            var real = new Dictionary<string, List<string>>();
            foreach (string lib in new[] { "System.Device.Spi.dll", "System.Device.Gpio.dll" })
            {
                foreach (var kv in Disassemble(Path.Combine(kit, "lib", lib)))
                {
                    real[kv.Key] = kv.Value;
                }
            }

            Dictionary<string, List<string>> ours = Disassemble(standIn);
            var differences = new List<string>();
            foreach (var (type, method) in Compared)
            {
                string key = type + "::" + method;
                if (!real.TryGetValue(key, out List<string> r))
                {
                    differences.Add(key + ": not in the kit's library");
                    continue;
                }

                if (!ours.TryGetValue(key, out List<string> o))
                {
                    differences.Add(key + ": not in the stand-in");
                    continue;
                }

                if (!r.SequenceEqual(o))
                {
                    differences.Add(key + ":\n    library:  " + string.Join("; ", r) + "\n    stand-in: " + string.Join("; ", o));
                }
            }

            Assert.True(differences.Count == 0, "stand-in IL differs from the library's:\n" + string.Join("\n", differences));
        }

        [SkippableFact]
        public void AdapterCompilesAgainstTheKitsLibraries()
        {
            string kit = NanoKit.Require();
            string core = Path.ChangeExtension(NanoKit.BuiltPe("src/EmbeddedTcp.Nano", "EmbeddedTcp.pe"), ".dll");
            string output = Path.Combine(Path.GetTempPath(), "embeddedtcp-adapter-" + Environment.ProcessId + ".dll");
            try
            {
                var r = NanoKit.Run(kit, "nf-csc", 120, "-r", "System.Device.Spi", "-r", "System.Device.Gpio", "-r", core, "--library", "-o", output,
                    Path.Combine(NanoKit.RepoRoot, "boards", "esp32-enc28j60", "Adapters", "SpiBusAdapter.cs"));
                Assert.True(r.ExitCode == 0 && File.Exists(output), "SpiBusAdapter.cs against the kit's System.Device.Spi/Gpio: exit " + r.ExitCode + "\n" + r.Output + r.Error);
            }
            finally
            {
                File.Delete(output);
            }
        }

        /// <summary>Every method with a body: "Type::Name(ParamTypes)" -> its instructions, operands named (not tokens or offsets).</summary>
        private static Dictionary<string, List<string>> Disassemble(string path)
        {
            var opcodes = new Dictionary<short, OpCode>();
            foreach (var f in typeof(OpCodes).GetFields())
            {
                var op = (OpCode)f.GetValue(null);
                opcodes[op.Value] = op;
            }

            var result = new Dictionary<string, List<string>>();
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            var names = new TypeNames(md);
            foreach (TypeDefinitionHandle th in md.TypeDefinitions)
            {
                TypeDefinition t = md.GetTypeDefinition(th);
                foreach (MethodDefinitionHandle mh in t.GetMethods())
                {
                    MethodDefinition m = md.GetMethodDefinition(mh);
                    if (m.RelativeVirtualAddress == 0)
                    {
                        continue;
                    }

                    MethodSignature<string> sig = m.DecodeSignature(names, null);
                    string key = md.GetString(t.Name) + "::" + md.GetString(m.Name) + "(" + string.Join(",", sig.ParameterTypes) + ")";
                    byte[] il = pe.GetMethodBody(m.RelativeVirtualAddress).GetILBytes();
                    var list = new List<string>();
                    int i = 0;
                    while (i < il.Length)
                    {
                        short v = il[i++];
                        if (v == 0xFE)
                        {
                            v = (short)(0xFE00 | il[i++]);
                        }

                        OpCode op = opcodes[v];
                        string operand = "";
                        switch (op.OperandType)
                        {
                            case OperandType.InlineMethod:
                            case OperandType.InlineField:
                            case OperandType.InlineType:
                            case OperandType.InlineTok:
                                operand = " " + Member(md, names, BitConverter.ToInt32(il, i));
                                i += 4;
                                break;
                            case OperandType.InlineI:
                                operand = " " + BitConverter.ToInt32(il, i);
                                i += 4;
                                break;
                            case OperandType.InlineString:
                            case OperandType.InlineBrTarget:
                            case OperandType.ShortInlineR:
                            case OperandType.InlineSig:
                                i += 4;
                                break;
                            case OperandType.InlineI8:
                            case OperandType.InlineR:
                                i += 8;
                                break;
                            case OperandType.ShortInlineI:
                            case OperandType.ShortInlineVar:
                                operand = " " + il[i];
                                i += 1;
                                break;
                            case OperandType.ShortInlineBrTarget:
                                i += 1;
                                break;
                            case OperandType.InlineVar:
                                i += 2;
                                break;
                            case OperandType.InlineSwitch:
                                i += 4 + 4 * BitConverter.ToInt32(il, i);
                                break;
                        }

                        list.Add(op.Name + operand);
                    }

                    result[key] = list;
                }
            }

            return result;
        }

        private static string Member(MetadataReader md, TypeNames names, int token)
        {
            EntityHandle h = MetadataTokens.EntityHandle(token);
            switch (h.Kind)
            {
                case HandleKind.MethodDefinition:
                    {
                        MethodDefinition m = md.GetMethodDefinition((MethodDefinitionHandle)h);
                        var sig = m.DecodeSignature(names, null);
                        return names.Name(m.GetDeclaringType()) + "::" + md.GetString(m.Name) + "(" + string.Join(",", sig.ParameterTypes) + ")";
                    }
                case HandleKind.MemberReference:
                    {
                        MemberReference m = md.GetMemberReference((MemberReferenceHandle)h);
                        string parent = m.Parent.Kind == HandleKind.TypeReference || m.Parent.Kind == HandleKind.TypeDefinition ? names.Name(m.Parent) : "?";
                        if (m.GetKind() == MemberReferenceKind.Method)
                        {
                            var sig = m.DecodeMethodSignature(names, null);
                            return parent + "::" + md.GetString(m.Name) + "(" + string.Join(",", sig.ParameterTypes) + ")";
                        }

                        return parent + "::" + md.GetString(m.Name);
                    }
                case HandleKind.FieldDefinition:
                    return md.GetString(md.GetFieldDefinition((FieldDefinitionHandle)h).Name);
                case HandleKind.TypeDefinition:
                case HandleKind.TypeReference:
                    return names.Name(h);
                default:
                    return h.Kind.ToString();
            }
        }

        /// <summary>Type names without namespaces: enough to tell the overloads apart.</summary>
        private sealed class TypeNames : ISignatureTypeProvider<string, object>
        {
            private readonly MetadataReader _md;

            public TypeNames(MetadataReader md)
            {
                _md = md;
            }

            public string Name(EntityHandle h)
            {
                return h.Kind == HandleKind.TypeDefinition
                    ? _md.GetString(_md.GetTypeDefinition((TypeDefinitionHandle)h).Name)
                    : _md.GetString(_md.GetTypeReference((TypeReferenceHandle)h).Name);
            }

            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Name(handle);
            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Name(handle);
            public string GetSZArrayType(string elementType) => elementType + "[]";
            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[*]";
            public string GetByReferenceType(string elementType) => elementType + "&";
            public string GetPointerType(string elementType) => elementType + "*";
            public string GetPinnedType(string elementType) => elementType;
            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
            public string GetGenericMethodParameter(object genericContext, int index) => "!!" + index;
            public string GetGenericTypeParameter(object genericContext, int index) => "!" + index;
            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
            public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
            public string GetTypeFromSpecification(MetadataReader reader, object genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
        }
    }
}
