-- SPDX-License-Identifier: BSD-3-Clause
--
-- Wireshark / tshark dissector for ampsim traces exported as pcapng
-- (ampsim trace convert TRACE OUT.pcapng --to pcapng; docs/trace-format.md, "pcapng export").
--
--   tshark -X lua_script:conformance/wireshark/ampsim.lua -r OUT.pcapng
--   wireshark -X lua_script:conformance/wireshark/ampsim.lua OUT.pcapng
--   (or copy this file into ~/.local/lib/wireshark/plugins/)
--
-- Each packet is one event of the trace (a store with its bytes, a barrier, a mailbox message,
-- an interrupt line change) on the interface of its initiator, followed by what ampsim's decoder
-- recognised in it: the device block, status and features, vring layout, avail/used index
-- publications, kicks, rpmsg messages (header and payload) and name-service records. Display
-- filters: ampsim.kind, ampsim.addr, ampsim.ring.vring, ampsim.rpmsg.dst == 53,
-- ampsim.ns.name contains "echo", ...

local proto = Proto("ampsim", "ampsim wire-level trace event")

local KINDS = { [1] = "store", [2] = "barrier", [3] = "mbox-write", [4] = "mbox-read", [5] = "irq" }
local BARRIERS = { [0] = "write", [1] = "read", [2] = "full" }
local SIDES = { [1] = "driver", [2] = "device" }
local NS_FLAGS = { [0] = "create", [1] = "destroy" }
local ITEMS = {
	[1] = "region", [2] = "link", [3] = "status", [4] = "features", [5] = "vring layout",
	[6] = "notify id", [7] = "avail.idx", [8] = "used.idx", [9] = "kick", [10] = "rpmsg message",
	[11] = "name service", [12] = "reset", [13] = "descriptor exposed", [14] = "descriptor returned",
	[15] = "suppression",
}
local SUPPRESSION = { [0] = "avail.flags", [1] = "used.flags", [2] = "used_event", [3] = "avail_event" }

local f = proto.fields
f.version = ProtoField.uint8("ampsim.version", "Version")
f.kind = ProtoField.uint8("ampsim.kind", "Kind", base.DEC, KINDS)
f.barrier = ProtoField.uint8("ampsim.barrier", "Barrier", base.DEC, BARRIERS)
f.fifo = ProtoField.uint8("ampsim.fifo", "FIFO")
f.user = ProtoField.uint8("ampsim.user", "Mailbox user")
f.level = ProtoField.uint8("ampsim.level", "Level")
f.initiator = ProtoField.uint16("ampsim.initiator", "Initiator")
f.region = ProtoField.uint16("ampsim.region", "Region")
f.seq = ProtoField.uint64("ampsim.seq", "Event number")
f.time = ProtoField.uint64("ampsim.time_ps", "Time (ps)")
f.addr = ProtoField.uint64("ampsim.addr", "Address", base.HEX)
f.message = ProtoField.uint32("ampsim.message", "Mailbox message", base.HEX)
f.size = ProtoField.uint32("ampsim.size", "Bytes stored")
f.bytes = ProtoField.bytes("ampsim.bytes", "Stored bytes")
f.item = ProtoField.uint8("ampsim.item", "Decoded", base.DEC, ITEMS)
f.region_name = ProtoField.string("ampsim.region_name", "Region name")
f.link = ProtoField.uint32("ampsim.link", "Link")
f.block = ProtoField.uint64("ampsim.block", "Device block", base.HEX)
f.status_old = ProtoField.uint8("ampsim.status.old", "Status before", base.HEX)
f.status_new = ProtoField.uint8("ampsim.status.new", "Status", base.HEX)
f.offered = ProtoField.uint32("ampsim.features.offered", "Features offered", base.HEX)
f.accepted = ProtoField.uint32("ampsim.features.accepted", "Features accepted", base.HEX)
f.vring = ProtoField.uint8("ampsim.ring.vring", "Vring")
f.ring_addr = ProtoField.uint64("ampsim.ring.addr", "Vring address", base.HEX)
f.ring_da = ProtoField.uint32("ampsim.ring.da", "Vring device address", base.HEX)
f.ring_num = ProtoField.uint32("ampsim.ring.num", "Vring entries")
f.ring_align = ProtoField.uint32("ampsim.ring.align", "Vring alignment")
f.notifyid = ProtoField.uint32("ampsim.ring.notifyid", "Notify id")
f.avail_old = ProtoField.uint16("ampsim.ring.avail_idx.old", "avail.idx before")
f.avail_new = ProtoField.uint16("ampsim.ring.avail_idx", "avail.idx")
f.used_old = ProtoField.uint16("ampsim.ring.used_idx.old", "used.idx before")
f.used_new = ProtoField.uint16("ampsim.ring.used_idx", "used.idx")
f.side = ProtoField.uint8("ampsim.side", "Side", base.DEC, SIDES)
f.kick = ProtoField.uint32("ampsim.kick", "Kick (notify id)")
f.src = ProtoField.uint32("ampsim.rpmsg.src", "Source", base.HEX)
f.dst = ProtoField.uint32("ampsim.rpmsg.dst", "Destination", base.HEX)
f.len = ProtoField.uint16("ampsim.rpmsg.len", "Length")
f.flags = ProtoField.uint16("ampsim.rpmsg.flags", "Flags", base.HEX)
f.payload = ProtoField.bytes("ampsim.rpmsg.payload", "Payload")
f.ns_name = ProtoField.stringz("ampsim.ns.name", "Name")
f.ns_addr = ProtoField.uint32("ampsim.ns.addr", "Address", base.HEX)
f.ns_flags = ProtoField.uint32("ampsim.ns.flags", "Flags", base.DEC, NS_FLAGS)
f.ns_src = ProtoField.uint32("ampsim.ns.src", "Sent from", base.HEX)
f.reset = ProtoField.uint32("ampsim.reset", "Reset of link")
f.desc = ProtoField.uint16("ampsim.ring.desc", "Descriptor")
f.desc_addr = ProtoField.uint64("ampsim.ring.desc.addr", "Buffer", base.HEX)
f.desc_len = ProtoField.uint32("ampsim.ring.desc.len", "Length")
f.desc_flags = ProtoField.uint16("ampsim.ring.desc.flags", "Flags", base.HEX)
f.used_len = ProtoField.uint32("ampsim.ring.used.len", "Used length")
f.supp_field = ProtoField.uint8("ampsim.ring.suppression", "Suppression field", base.DEC, SUPPRESSION)
f.supp_value = ProtoField.uint16("ampsim.ring.suppression.value", "Suppression value")

local HEADER = 40
local interface_name = Field.new("frame.interface_name")

-- One decoded item at @off (type, 0, length, value): adds it to @tree, returns a summary.
local function item(buf, off, tree)
	local t = buf(off, 1):uint()
	local n = buf(off + 2, 2):le_uint()
	local v = buf(off + 4, n)
	local sub = tree:add(f.item, buf(off, 4 + n), t)
	if t == 1 then
		sub:add(f.region_name, v)
		return nil
	end
	sub:add_le(f.link, v(0, 4))
	if t == 2 then
		sub:add_le(f.block, v(4, 8))
		return string.format("link %d: device block 0x%x", v(0, 4):le_uint(), v(4, 8):le_uint64():tonumber())
	elseif t == 3 then
		sub:add(f.status_old, v(4, 1))
		sub:add(f.status_new, v(5, 1))
		return string.format("status 0x%02x -> 0x%02x", v(4, 1):uint(), v(5, 1):uint())
	elseif t == 4 then
		sub:add_le(f.offered, v(4, 4))
		sub:add_le(f.accepted, v(8, 4))
		return string.format("features 0x%x of 0x%x", v(8, 4):le_uint(), v(4, 4):le_uint())
	elseif t == 5 then
		sub:add(f.vring, v(4, 1))
		sub:add_le(f.ring_addr, v(8, 8))
		sub:add_le(f.ring_da, v(16, 4))
		sub:add_le(f.ring_num, v(20, 4))
		sub:add_le(f.ring_align, v(24, 4))
		return string.format("vring%d: %d entries", v(4, 1):uint(), v(20, 4):le_uint())
	elseif t == 6 then
		sub:add(f.vring, v(4, 1))
		sub:add_le(f.ring_da, v(8, 4))
		sub:add_le(f.notifyid, v(12, 4))
		return string.format("vring%d notify id %d", v(4, 1):uint(), v(12, 4):le_uint())
	elseif t == 7 or t == 8 then
		sub:add(f.vring, v(4, 1))
		sub:add_le(t == 7 and f.avail_old or f.used_old, v(6, 2))
		sub:add_le(t == 7 and f.avail_new or f.used_new, v(8, 2))
		return string.format("vring%d %s %d -> %d", v(4, 1):uint(), t == 7 and "avail.idx" or "used.idx",
			v(6, 2):le_uint(), v(8, 2):le_uint())
	elseif t == 9 then
		sub:add(f.vring, v(4, 1))
		sub:add(f.side, v(5, 1))
		sub:add_le(f.kick, v(8, 4))
		return string.format("kick vring%d by the %s", v(4, 1):uint(), SIDES[v(5, 1):uint()] or "?")
	elseif t == 10 then
		sub:add(f.vring, v(4, 1))
		sub:add(f.side, v(5, 1))
		sub:add_le(f.len, v(6, 2))
		sub:add_le(f.src, v(8, 4))
		sub:add_le(f.dst, v(12, 4))
		sub:add_le(f.flags, v(16, 2))
		if n > 20 then
			sub:add(f.payload, v(20, n - 20))
		end
		return string.format("rpmsg 0x%x -> 0x%x, %d bytes", v(8, 4):le_uint(), v(12, 4):le_uint(),
			v(6, 2):le_uint())
	elseif t == 11 then
		sub:add(f.vring, v(4, 1))
		sub:add(f.side, v(5, 1))
		sub:add_le(f.ns_addr, v(8, 4))
		sub:add_le(f.ns_flags, v(12, 4))
		sub:add_le(f.ns_src, v(16, 4))
		sub:add(f.ns_name, v(20, 32))
		return string.format("name service %s %s at 0x%x", NS_FLAGS[v(12, 4):le_uint()] or "?",
			v(20, 32):stringz(), v(8, 4):le_uint())
	elseif t == 12 then
		return "reset"
	elseif t == 13 then
		sub:add(f.vring, v(4, 1))
		sub:add_le(f.desc, v(6, 2))
		sub:add_le(f.desc_addr, v(8, 8))
		sub:add_le(f.desc_len, v(16, 4))
		sub:add_le(f.desc_flags, v(20, 2))
		return string.format("vring%d desc %d exposed", v(4, 1):uint(), v(6, 2):le_uint())
	elseif t == 14 then
		sub:add(f.vring, v(4, 1))
		sub:add_le(f.desc, v(6, 2))
		sub:add_le(f.used_len, v(8, 4))
		return string.format("vring%d desc %d returned (%d)", v(4, 1):uint(), v(6, 2):le_uint(),
			v(8, 4):le_uint())
	elseif t == 15 then
		sub:add(f.vring, v(4, 1))
		sub:add(f.side, v(5, 1))
		sub:add(f.supp_field, v(6, 1))
		sub:add_le(f.supp_value, v(8, 2))
		return string.format("vring%d %s = %d", v(4, 1):uint(), SUPPRESSION[v(6, 1):uint()] or "?",
			v(8, 2):le_uint())
	end
	return nil
end

function proto.dissector(buf, pinfo, tree)
	if buf:len() < HEADER then
		return 0
	end
	pinfo.cols.protocol = "ampsim"
	local name = interface_name()
	if name then
		pinfo.cols.src = tostring(name) -- the initiator
	end
	local kind = buf(1, 1):uint()
	local t = tree:add(proto, buf(), "ampsim event")
	t:add(f.version, buf(0, 1))
	t:add(f.kind, buf(1, 1))
	if kind == 2 then
		t:add(f.barrier, buf(2, 1))
	elseif kind == 3 or kind == 4 then
		t:add(f.fifo, buf(2, 1))
	elseif kind == 5 then
		t:add(f.user, buf(2, 1))
		t:add(f.level, buf(3, 1))
	end
	t:add_le(f.initiator, buf(4, 2))
	t:add_le(f.region, buf(6, 2))
	t:add_le(f.seq, buf(8, 8))
	t:add_le(f.time, buf(16, 8))
	local size = buf(36, 4):le_uint()
	local info = KINDS[kind] or "?"
	if kind == 1 then
		t:add_le(f.addr, buf(24, 8))
		t:add_le(f.size, buf(36, 4))
		if size > 0 then
			t:add(f.bytes, buf(HEADER, size))
		end
		info = string.format("store 0x%x, %d bytes", buf(24, 8):le_uint64():tonumber(), size)
	elseif kind == 3 or kind == 4 then
		t:add_le(f.message, buf(32, 4))
		info = string.format("%s FIFO %d 0x%08x", info, buf(2, 1):uint(), buf(32, 4):le_uint())
	elseif kind == 2 then
		info = "barrier " .. (BARRIERS[buf(2, 1):uint()] or "?")
	elseif kind == 5 then
		info = string.format("irq user %d level %d", buf(2, 1):uint(), buf(3, 1):uint())
	end
	local off = HEADER + size
	while off + 4 <= buf:len() do
		local n = buf(off + 2, 2):le_uint()
		if off + 4 + n > buf:len() then
			break
		end
		local summary = item(buf, off, t)
		if summary then
			info = info .. "; " .. summary
		end
		off = off + 4 + n
	end
	pinfo.cols.info = info
	return buf:len()
end

DissectorTable.get("wtap_encap"):add(wtap.USER0, proto)
